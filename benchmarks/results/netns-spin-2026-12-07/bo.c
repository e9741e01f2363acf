/* best-of sampler: bo MODE SIZE SAMPLES [BATCH]; MODE lat|agv|halo2d|bw. One sample = BATCH ops after a barrier. */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
static int cmp(const void*a,const void*b){double x=*(const double*)a,y=*(const double*)b;return x<y?-1:x>y;}
int main(int argc,char**argv){
  MPI_Init(&argc,&argv);
  int me,np; MPI_Comm_rank(MPI_COMM_WORLD,&me); MPI_Comm_size(MPI_COMM_WORLD,&np);
  const char*mode=argv[1]; long size=atol(argv[2]); int iters=atoi(argv[3]);
  int batch=argc>4?atoi(argv[4]):1; int window=64;
  double*t=malloc(sizeof(double)*iters);
  char*sb=malloc(size*np+1),*rb=malloc(size*np+1); memset(sb,1,size*np+1);memset(rb,2,size*np+1);
  int*cnt=malloc(sizeof(int)*np),*dsp=malloc(sizeof(int)*np); for(int i=0;i<np;++i){cnt[i]=size;dsp[i]=i*size;}
  MPI_Request rq[130];
  long rows=size/8; double*field=NULL; MPI_Datatype col=MPI_DATATYPE_NULL;
  if(!strcmp(mode,"halo2d")){field=calloc(rows*8,8);for(long i=0;i<rows*8;++i)field[i]=i;
    MPI_Type_vector((int)rows,1,8,MPI_DOUBLE,&col);MPI_Type_commit(&col);}
  int peer=1-me;
  for(int it=-20;it<iters;++it){
    MPI_Barrier(MPI_COMM_WORLD);
    double a=MPI_Wtime();
    for(int k=0;k<batch;++k){
    if(!strcmp(mode,"lat")){
      if(me==0){MPI_Send(sb,size,MPI_BYTE,1,1,MPI_COMM_WORLD);MPI_Recv(rb,size,MPI_BYTE,1,1,MPI_COMM_WORLD,MPI_STATUS_IGNORE);}
      else{MPI_Recv(rb,size,MPI_BYTE,0,1,MPI_COMM_WORLD,MPI_STATUS_IGNORE);MPI_Send(sb,size,MPI_BYTE,0,1,MPI_COMM_WORLD);}
    }else if(!strcmp(mode,"agv")){
      MPI_Allgatherv(sb,size,MPI_BYTE,rb,cnt,dsp,MPI_BYTE,MPI_COMM_WORLD);
    }else if(!strcmp(mode,"bw")){
      if(me==0){for(int w=0;w<window;++w)MPI_Isend(sb,size,MPI_BYTE,1,1,MPI_COMM_WORLD,&rq[w]);MPI_Waitall(window,rq,MPI_STATUSES_IGNORE);MPI_Recv(rb,4,MPI_BYTE,1,2,MPI_COMM_WORLD,MPI_STATUS_IGNORE);}
      else{for(int w=0;w<window;++w)MPI_Irecv(rb,size,MPI_BYTE,0,1,MPI_COMM_WORLD,&rq[w]);MPI_Waitall(window,rq,MPI_STATUSES_IGNORE);MPI_Send(sb,4,MPI_BYTE,0,2,MPI_COMM_WORLD);}
    }else{
      MPI_Irecv(field+0,1,col,peer,1,MPI_COMM_WORLD,&rq[0]);MPI_Irecv(field+7,1,col,peer,0,MPI_COMM_WORLD,&rq[1]);
      MPI_Isend(field+1,1,col,peer,0,MPI_COMM_WORLD,&rq[2]);MPI_Isend(field+6,1,col,peer,1,MPI_COMM_WORLD,&rq[3]);
      MPI_Waitall(4,rq,MPI_STATUSES_IGNORE);
    }
    }
    double b=MPI_Wtime(); b = a + (b-a)/batch;
    if(it>=0)t[it]=b-a;
  }
  if(me==0){qsort(t,iters,sizeof(double),cmp);
    double unit = !strcmp(mode,"lat")? 1e6/2 : 1e6;
    double rate = !strcmp(mode,"bw")? window*(double)size : !strcmp(mode,"halo2d")? 2.0*size : 0;
    if(rate>0) printf("%s %ld: best %.0f p10 %.0f p50 %.0f MB/s\n",mode,size,rate/t[0]/1e6,rate/t[iters/10]/1e6,rate/t[iters/2]/1e6);
    else printf("%s %ld: best %.2f p10 %.2f p50 %.2f us\n",mode,size,t[0]*unit,t[iters/10]*unit,t[iters/2]*unit);}
  MPI_Finalize(); return 0;
}
